// SPDX-License-Identifier: GPL-2.0
/*
 * runner: time a command over several runs and report min, median and
 * peak RSS on one line.
 *
 *   runner [-n RUNS] [-w WARMUP] [-b BUDGET] [-t TIMEOUT] [-o LOG] -- CMD ARG...
 *
 * -n RUNS	timed runs wanted (default 5)
 * -w WARMUP	untimed runs first (default 0)
 * -b BUDGET	stop after the run that would push the total past BUDGET
 *		seconds; at least one run is always made (default: none)
 * -t TIMEOUT	kill a run (its whole process group) after TIMEOUT seconds
 * -o LOG	the command's stdout and stderr (default /dev/null); each run
 *		truncates it, so it keeps the last run's output
 *
 * Output: "runs=N min=S median=S max=S rss_kb=K status=X" with times in
 * seconds.  status is the exit code shared by all runs, "mixed" when runs
 * disagree, "sigN" for a signal, or "timeout".  rss_kb is the largest
 * ru_maxrss of any run, which covers the command's waited-for children.
 * The runner exits 0 whenever it could run the command at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double parse_pos(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v < 0) {
		fprintf(stderr, "runner: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/*
 * One run.  Returns the wall time and fills *status (exit code, or
 * -signal, or -1000 for a timeout) and *rss_kb.
 */
static double run_once(char **cmd, const char *log, double timeout,
		       int *status, long *rss_kb)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid, w;
	int ws, fd;

	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		exit(2);
	}
	if (pid == 0) {
		/* Own process group, so a timeout can kill the whole tree. */
		setpgid(0, 0);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			fprintf(stderr, "runner: %s: %s\n", log, strerror(errno));
			_exit(127);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		execvp(cmd[0], cmd);
		dprintf(2, "runner: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	timed_out = 0;
	if (timeout > 0) {
		struct itimerval it = { 0 };

		it.it_value.tv_sec = (time_t)timeout;
		it.it_value.tv_usec = (suseconds_t)((timeout - (time_t)timeout) * 1e6);
		setitimer(ITIMER_REAL, &it, NULL);
	}
	for (;;) {
		w = wait4(pid, &ws, 0, &ru);
		if (w == pid)
			break;
		if (w < 0 && errno == EINTR) {
			if (timed_out) {
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
			}
			continue;
		}
		perror("runner: wait4");
		exit(2);
	}
	t1 = now();
	if (timeout > 0) {
		struct itimerval off = { 0 };

		setitimer(ITIMER_REAL, &off, NULL);
	}
	*rss_kb = ru.ru_maxrss;
	if (timed_out)
		*status = -1000;
	else if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else
		*status = -WTERMSIG(ws);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	static double times[MAX_RUNS];
	const char *log = "/dev/null";
	double budget = 0, timeout = 0, total = 0, t;
	int runs = 5, warmup = 0, opt, i, n = 0, status, first_status = 0;
	int mixed = 0;
	long rss, max_rss = 0;
	struct sigaction sa;
	char st[32];

	while ((opt = getopt(argc, argv, "+n:w:b:t:o:")) != -1) {
		switch (opt) {
		case 'n':
			runs = (int)parse_pos(optarg, "run count");
			break;
		case 'w':
			warmup = (int)parse_pos(optarg, "warmup count");
			break;
		case 'b':
			budget = parse_pos(optarg, "budget");
			break;
		case 't':
			timeout = parse_pos(optarg, "timeout");
			break;
		case 'o':
			log = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: runner [-n RUNS] [-w WARMUP] [-b BUDGET] "
			"[-t TIMEOUT] [-o LOG] -- CMD ARG...\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: wait4 must see EINTR */

	for (i = 0; i < warmup; i++) {
		run_once(argv + optind, log, timeout, &status, &rss);
		if (status == -1000)
			break;
	}
	while (n < runs) {
		t = run_once(argv + optind, log, timeout, &status, &rss);
		times[n++] = t;
		total += t;
		if (rss > max_rss)
			max_rss = rss;
		if (n == 1)
			first_status = status;
		else if (status != first_status)
			mixed = 1;
		if (status == -1000 || status < 0)
			break;
		if (budget > 0 && total + total / n > budget)
			break;
	}
	qsort(times, n, sizeof(times[0]), cmp_double);
	if (mixed)
		snprintf(st, sizeof(st), "mixed");
	else if (first_status == -1000)
		snprintf(st, sizeof(st), "timeout");
	else if (first_status < 0)
		snprintf(st, sizeof(st), "sig%d", -first_status);
	else
		snprintf(st, sizeof(st), "%d", first_status);
	printf("runs=%d min=%.6f median=%.6f max=%.6f rss_kb=%ld status=%s\n", n,
	       times[0], n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2,
	       times[n - 1], max_rss, st);
	return 0;
}
