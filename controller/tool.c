/* tool.c: running an outside program with stdin, stdout and stderr (see tool.h). */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hall/clock.h"

#define ERR_MAX 4096

typedef struct sink {
	char *buf;
	size_t len, cap, max;
} sink;

/* Keep up to s->max bytes of what the program writes; read (and drop) the rest so that
 * it never blocks on a full pipe. */
static int sink_read(sink *s, int fd)
{
	char chunk[4096];
	ssize_t r = read(fd, chunk, sizeof chunk);
	if (r <= 0)
		return r < 0 && errno == EINTR ? 1 : 0;
	size_t keep = s->len < s->max ? s->max - s->len : 0;
	if (keep > (size_t)r)
		keep = (size_t)r;
	if (keep && s->len + keep + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8192;
		while (cap < s->len + keep + 1)
			cap *= 2;
		char *nb = realloc(s->buf, cap);
		if (!nb)
			return 0;
		s->buf = nb;
		s->cap = cap;
	}
	if (keep) {
		memcpy(s->buf + s->len, chunk, keep);
		s->len += keep;
		s->buf[s->len] = '\0';
	}
	return 1;
}

/* The first line of the program's message that says something. */
static void first_line(const char *text, char *out, size_t len)
{
	const char *p = text ? text : "";
	out[0] = '\0';
	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t skip = strspn(p, " \t");
		if (n > skip && !(n - skip == 6 && strncmp(p + skip, "Error:", 6) == 0)) {
			snprintf(out, len, "%.*s", (int)(n - skip), p + skip);
			return;
		}
		p += n + (p[n] == '\n');
	}
}

/* In the child: the pipes' far ends become 0, 1 and 2, and every pipe end is closed
 * (a stdin whose write end the child itself still held would never reach EOF). */
static void child(const char *const argv[], const int pin[2], const int pout[2], const int perr[2])
{
	umask(077);
	dup2(pin[0], 0);
	dup2(pout[1], 1);
	dup2(perr[1], 2);
	for (int i = 0; i < 2; i++) {
		if (pin[i] > 2)
			close(pin[i]);
		if (pout[i] > 2)
			close(pout[i]);
		if (perr[i] > 2)
			close(perr[i]);
	}
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

hall_err hall_tool_run(const char *const argv[], const char *in, size_t in_len, char **out, size_t out_max,
                       int timeout_ms, int *status, hall_error *err)
{
	int64_t deadline = hall_clock_mono_ms() + timeout_ms;
	bool timed_out = false;
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	sink so = {NULL, 0, 0, out ? out_max : 0}, se = {NULL, 0, 0, ERR_MAX};
	hall_err rc = HALL_OK;
	if (out)
		*out = NULL;
	if (status)
		*status = 127;
	if (pipe(pin) != 0 || pipe(pout) != 0 || pipe(perr) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, argv[0], "pipe: %s", strerror(errno));
		goto done;
	}
	pid_t pid = fork();
	if (pid < 0) {
		rc = hall_error_set(err, HALL_ERR_IO, argv[0], "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		child(argv, pin, pout, perr);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	/* A program that dies before reading its input must not kill us with SIGPIPE. */
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	size_t sent = 0;
	if (!in || in_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	while (pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd fds[3] = {{pin[1], POLLOUT, 0}, {pout[0], POLLIN, 0}, {perr[0], POLLIN, 0}};
		int64_t left = deadline - hall_clock_mono_ms();
		if (left <= 0) { /* a tool that hangs must not hang the staff command with it */
			kill(pid, SIGKILL);
			timed_out = true;
			break;
		}
		int ready = poll(fds, 3, (int)(left < 1000 ? left : 1000));
		if (ready < 0 && errno != EINTR)
			break;
		if (ready <= 0)
			continue;
		if (pin[1] >= 0 && fds[0].revents) {
			ssize_t w = write(pin[1], in + sent, in_len - sent);
			if (w > 0)
				sent += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == in_len) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		if (pout[0] >= 0 && fds[1].revents && !sink_read(&so, pout[0])) {
			close(pout[0]);
			pout[0] = -1;
		}
		if (perr[0] >= 0 && fds[2].revents && !sink_read(&se, perr[0])) {
			close(perr[0]);
			perr[0] = -1;
		}
	}
	signal(SIGPIPE, old_pipe);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 127;
	if (status)
		*status = code;
	if (timed_out) {
		rc = hall_error_set(err, HALL_ERR_IO, argv[0], "%s %s did not finish within %d s (killed)", argv[0],
		                    argv[1] ? argv[1] : "", timeout_ms / 1000);
	} else if (code != 0) {
		char line[512];
		first_line(se.buf, line, sizeof line);
		rc = hall_error_set(err, HALL_ERR_IO, argv[0], "failed (%s %s, exit %d): %s", argv[0], argv[1] ? argv[1] : "",
		                    code, line[0] ? line : "no message");
	} else if (out) {
		*out = so.buf ? so.buf : calloc(1, 1);
		so.buf = NULL;
		if (!*out)
			rc = hall_error_set(err, HALL_ERR_NOMEM, argv[0], "out of memory");
	}
done:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	free(so.buf);
	free(se.buf);
	return rc;
}
