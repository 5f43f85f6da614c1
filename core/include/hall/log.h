/* hall/log.h: one-line logs to stderr: "2026-11-25T09:12:11Z kiosk warn: text".
 * Thread-safe (one fprintf per line). */
#ifndef HALL_LOG_H
#define HALL_LOG_H

typedef enum hall_log_level { HALL_LOG_DEBUG, HALL_LOG_INFO, HALL_LOG_WARN, HALL_LOG_ERROR } hall_log_level;

/* The program name shown on each line ("kiosk", "controller"). Borrowed: pass a literal. */
void hall_log_set_name(const char *name);
/* Lines below this level are dropped. Default INFO; HALL_LOG=debug in the environment lowers it. */
void hall_log_set_level(hall_log_level level);
void hall_log(hall_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define hall_debug(...) hall_log(HALL_LOG_DEBUG, __VA_ARGS__)
#define hall_info(...) hall_log(HALL_LOG_INFO, __VA_ARGS__)
#define hall_warn(...) hall_log(HALL_LOG_WARN, __VA_ARGS__)
#define hall_error_log(...) hall_log(HALL_LOG_ERROR, __VA_ARGS__)

#endif
