/* tests/support/broker.c: see broker.h. */
#include "broker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"

#define BROKER_WAIT_MS 5000
#define BROKER_STOP_MS 5000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* Ask the kernel for a free port on loopback. Another process could take it before the
 * broker binds; start() retries with a fresh port when the broker does not come up. */
static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int port = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int accepts_tcp(int port)
{
	struct sockaddr_in a;
	int ok;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

static int write_config(hall_test_broker *b, const char *extra)
{
	FILE *f = fopen(b->conf, "w");
	if (!f) {
		fprintf(stderr, "broker: cannot write %s: %s\n", b->conf, strerror(errno));
		return -1;
	}
	fprintf(f, "listener %d 127.0.0.1\n", b->port);
	fprintf(f, "allow_anonymous true\n");
	fprintf(f, "persistence false\n");
	fprintf(f, "persistence_location %s/\n", b->dir);
	fprintf(f, "log_dest file %s/mosquitto.log\n", b->dir);
	fprintf(f, "log_type all\n");
	fprintf(f, "connection_messages true\n");
	/* As root mosquitto would switch to user "mosquitto", which cannot write our 0700
	 * temp dir: stay who we are. */
	if (geteuid() == 0)
		fprintf(f, "user root\n");
	if (extra && *extra)
		fprintf(f, "%s\n", extra);
	if (fclose(f) != 0) {
		fprintf(stderr, "broker: cannot write %s: %s\n", b->conf, strerror(errno));
		return -1;
	}
	return 0;
}

static int reap(hall_test_broker *b, int timeout_ms)
{
	long long until = now_ms() + timeout_ms;
	for (;;) {
		int st;
		pid_t r = waitpid(b->pid, &st, WNOHANG);
		if (r == b->pid || (r < 0 && errno == ECHILD)) {
			b->pid = 0;
			return 0;
		}
		if (now_ms() >= until)
			return -1;
		sleep_ms(10);
	}
}

/* fork/exec mosquitto and wait until it accepts TCP, or it died, or BROKER_WAIT_MS. */
static int spawn(hall_test_broker *b)
{
	const char *bin = getenv("HALL_MOSQUITTO");
	pid_t parent = getpid();
	long long until;
	pid_t pid;

	if (!bin || !*bin)
		bin = "/usr/sbin/mosquitto";
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "broker: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char errlog[700];
		int nul = open("/dev/null", O_RDWR);
		int errfd;
		/* A test that crashes must not leave a broker behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (nul >= 0) {
			dup2(nul, STDIN_FILENO);
			dup2(nul, STDOUT_FILENO);
		}
		/* mosquitto prints a few lines (the "run as root" warning) before its log file is
		 * open: keep them with the log instead of in the test's output. */
		snprintf(errlog, sizeof errlog, "%s/stderr.log", b->dir);
		errfd = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (errfd >= 0)
			dup2(errfd, STDERR_FILENO);
		execl(bin, bin, "-c", b->conf, (char *)NULL);
		dprintf(errfd >= 0 ? errfd : STDERR_FILENO, "broker: exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	b->pid = pid;
	until = now_ms() + BROKER_WAIT_MS;
	while (now_ms() < until) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			b->pid = 0;
			fprintf(stderr, "broker: mosquitto exited at start (status %d)\n", st);
			return -1;
		}
		if (accepts_tcp(b->port))
			return 0;
		sleep_ms(20);
	}
	fprintf(stderr, "broker: mosquitto did not accept on 127.0.0.1:%d within %d ms\n", b->port, BROKER_WAIT_MS);
	hall_test_broker_kill(b);
	return -1;
}

int hall_test_broker_start(hall_test_broker *b, const char *extra_config)
{
	int attempt;
	memset(b, 0, sizeof *b);
	snprintf(b->host, sizeof b->host, "127.0.0.1");
	hall_test_tmpdir(b->dir, sizeof b->dir, "broker");
	snprintf(b->conf, sizeof b->conf, "%s/mosquitto.conf", b->dir);
	for (attempt = 0; attempt < 3; attempt++) {
		b->port = free_port();
		if (b->port <= 0) {
			fprintf(stderr, "broker: no free port: %s\n", strerror(errno));
			return -1;
		}
		if (write_config(b, extra_config) != 0)
			return -1;
		if (spawn(b) == 0)
			return 0;
	}
	hall_test_broker_dump_log(b);
	return -1;
}

int hall_test_broker_stop(hall_test_broker *b)
{
	if (b->pid <= 0)
		return 0;
	kill(b->pid, SIGTERM);
	if (reap(b, BROKER_STOP_MS) == 0)
		return 0;
	fprintf(stderr, "broker: pid %d ignored SIGTERM for %d ms, killing\n", (int)b->pid, BROKER_STOP_MS);
	return hall_test_broker_kill(b);
}

int hall_test_broker_kill(hall_test_broker *b)
{
	if (b->pid <= 0)
		return 0;
	kill(b->pid, SIGKILL);
	if (reap(b, BROKER_STOP_MS) != 0) {
		fprintf(stderr, "broker: pid %d did not die after SIGKILL\n", (int)b->pid);
		return -1;
	}
	return 0;
}

int hall_test_broker_restart(hall_test_broker *b)
{
	int attempt;
	if (hall_test_broker_stop(b) != 0)
		return -1;
	/* The port was just released; mosquitto binds with SO_REUSEADDR, but give a client's
	 * late connect a moment to fail before retrying. */
	for (attempt = 0; attempt < 5; attempt++) {
		if (spawn(b) == 0)
			return 0;
		sleep_ms(200);
	}
	hall_test_broker_dump_log(b);
	return -1;
}

int hall_test_broker_list_arg(const char *prog, const char *value, hall_config_args *out)
{
	char *argv[] = {(char *)prog, "--broker", (char *)value, NULL};
	int argc = 3;
	hall_error err = {0};
	char msg[400];
	if (hall_config_parse_args(&argc, argv, out, &err) != HALL_OK) {
		fprintf(stderr, "%s: %s\n", prog, hall_error_format(&err, msg, sizeof msg));
		return 2;
	}
	if (out->broker_port == 0) { /* a lone HOST: a benchmark has no configured port */
		fprintf(stderr, "%s: --broker: \"%s\" has no port (expected HOST:PORT)\n", prog, value);
		return 2;
	}
	return 0;
}

void hall_test_broker_cleanup(hall_test_broker *b)
{
	hall_test_broker_stop(b);
	if (b->dir[0])
		hall_test_rmtree(b->dir);
	b->dir[0] = '\0';
}

static void dump_file(const char *dir, const char *name)
{
	char path[700];
	char line[512];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	fprintf(stderr, "---- %s ----\n", path);
	while (fgets(line, sizeof line, f))
		fputs(line, stderr);
	fprintf(stderr, "---- end ----\n");
	fclose(f);
}

void hall_test_broker_dump_log(const hall_test_broker *b)
{
	dump_file(b->dir, "stderr.log");
	dump_file(b->dir, "mosquitto.log");
}

int hall_test_broker_tls_lines(const char *ctl, const char *dir, char *extra, size_t extra_len, char *cafile,
                               size_t ca_len, int *port)
{
	char hall[600], cmd[2000];
	*port = free_port();
	snprintf(hall, sizeof hall, "%s/hall", dir);
	snprintf(cmd, sizeof cmd, "'%s' init --data '%s' --broker 127.0.0.1:%d >/dev/null", ctl, hall, *port);
	if (*port <= 0 || system(cmd) != 0) {
		fprintf(stderr, "tls: %s failed\n", cmd);
		return -1;
	}
	snprintf(cafile, ca_len, "%s/tls/ca.crt", hall);
	size_t n = strlen(extra);
	snprintf(extra + n, extra_len - n,
	         "listener %d 127.0.0.1\ncertfile %s/tls/server.crt\nkeyfile %s/tls/server.key\ncafile %s\n"
	         "tls_version tlsv1.2\n",
	         *port, hall, hall, cafile);
	return 0;
}
