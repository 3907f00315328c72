// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - kx-synth command line: read a scenario, run it once and feed
 * every event to the requested writers (trace.dat v6/v7, perf.data file or
 * pipe), the known answer and the expected event list.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: kx-synth [options] SCENARIO\n"
		"  -p, --prefix P       write every output kind the scenario lists to P<ext>\n"
		"  -o, --out KIND=FILE  write one output (v6 v7-none v7-zlib v7-zstd perf perf-pipe;\n"
		"                       FILE - = stdout); may repeat\n"
		"  -a, --answer FILE    the known answer as JSON\n"
		"  -e, --expect FILE    the expected event list (ts_ns cpu tid event fields)\n"
		"  -F, --formats DIR    format sets (default: <exe>/../tests/fixtures/formats)\n"
		"  -v, --verbose        print the event count\n"
		"scenario language: tests/synth/SCENARIO.md\n");
}

static void default_formats(char *dir, size_t len)
{
	char exe[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	snprintf(dir, len, "tests/fixtures/formats");
	if (n <= 0)
		return;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = 0;
	snprintf(dir, len, "%s/../tests/fixtures/formats", exe);
	if (access(dir, R_OK))
		snprintf(dir, len, "tests/fixtures/formats");
}

static void expect_event(FILE *exp, const struct sy_formats *f,
			 uint64_t pend[SY_MAX_BUFS][SY_MAX_CPUS], const struct sy_ev *ev)
{
	/* the marker shows up before the next event on that CPU */
	if (ev->kind == SY_LOST) {
		pend[ev->buf][ev->cpu] += ev->v[0];
		return;
	}
	if (pend[ev->buf][ev->cpu])
		fprintf(exp, "%llu %u - LOST count=%llu\n", (unsigned long long)ev->ns, ev->cpu,
			(unsigned long long)pend[ev->buf][ev->cpu]);
	pend[ev->buf][ev->cpu] = 0;
	sy_expect_event(exp, f, ev);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "prefix", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "answer", required_argument, NULL, 'a' },
		{ "expect", required_argument, NULL, 'e' },
		{ "formats", required_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char fmtdir[PATH_MAX], err[512], path[PATH_MAX];
	const char *prefix = NULL, *answer = NULL, *expect = NULL;
	const char *outpath[SY_NOUTS] = { NULL };
	char *owned[SY_NOUTS] = { NULL };
	struct sy_tdat *tdat[SY_NOUTS] = { NULL };
	struct sy_perf *perf[2] = { NULL };
	uint64_t pend[SY_MAX_BUFS][SY_MAX_CPUS] = { { 0 } };
	struct sy_scenario sc;
	struct sy_formats fmts;
	struct sy_answer *ans = NULL;
	struct sy_sim *sim;
	const struct sy_ev *ev;
	FILE *exp = NULL;
	uint64_t nev = 0;
	size_t n;
	bool verbose = false;
	int c, ntdat = 0, nperf = 0;

	default_formats(fmtdir, sizeof(fmtdir));
	while ((c = getopt_long(argc, argv, "p:o:a:e:F:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prefix = optarg;
			break;
		case 'o': {
			char *eq = strchr(optarg, '=');
			int k;

			for (k = 0; eq && k < SY_NOUTS; k++)
				if (!strncmp(optarg, sy_out_names[k], eq - optarg) &&
				    !sy_out_names[k][eq - optarg])
					break;
			if (!eq || k == SY_NOUTS) {
				fprintf(stderr, "kx-synth: bad --out '%s'\n", optarg);
				return 2;
			}
			outpath[k] = eq + 1;
			break;
		}
		case 'a':
			answer = optarg;
			break;
		case 'e':
			expect = optarg;
			break;
		case 'F':
			snprintf(fmtdir, sizeof(fmtdir), "%s", optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	memset(&fmts, 0, sizeof(fmts));
	if (sy_scenario_parse(&sc, argv[optind], &fmts, fmtdir, err, sizeof(err))) {
		fprintf(stderr, "kx-synth: %s: %s\n", argv[optind], err);
		sy_scenario_free(&sc);
		sy_formats_free(&fmts);
		return 1;
	}
	for (int k = 0; k < SY_NOUTS; k++) {
		if (prefix && sc.outputs[k] && !outpath[k]) {
			snprintf(path, sizeof(path), "%s%s", prefix, sy_out_ext[k]);
			outpath[k] = owned[k] = strdup(path);
		}
		if (!outpath[k])
			continue;
		if (k == SY_OUT_PERF || k == SY_OUT_PERF_PIPE)
			perf[nperf++] = sy_perf_open(outpath[k], k == SY_OUT_PERF_PIPE, &sc, &fmts);
		else
			tdat[ntdat++] = sy_tdat_open(outpath[k], k, &sc, &fmts);
	}
	if (answer)
		ans = sy_answer_new(&sc);
	if (expect) {
		exp = fopen(expect, "w");
		if (!exp)
			sy_die("%s: cannot create", expect);
	}
	sim = sy_sim_new(&sc);
	while ((n = sy_sim_run(sim, &ev)) > 0) {
		for (int i = 0; i < ntdat; i++)
			sy_tdat_events(tdat[i], ev, n);
		for (size_t j = 0; j < n && (nperf || ans || exp || verbose); j++) {
			nev += ev[j].kind != SY_LOST;
			for (int i = 0; i < nperf; i++)
				sy_perf_event(perf[i], &ev[j]);
			if (ans)
				sy_answer_event(ans, &ev[j]);
			if (exp)
				expect_event(exp, &fmts, pend, &ev[j]);
		}
	}
	sy_sim_free(sim);
	for (int i = 0; i < ntdat; i++)
		sy_tdat_close(tdat[i]);
	for (int i = 0; i < nperf; i++)
		sy_perf_close(perf[i]);
	if (ans) {
		if (sy_answer_write(ans, answer))
			sy_die("%s: write error", answer);
		sy_answer_free(ans);
	}
	if (exp && fclose(exp))
		sy_die("%s: write error", expect);
	for (int k = 0; k < SY_NOUTS; k++)
		free(owned[k]);
	if (verbose)
		fprintf(stderr, "kx-synth: %llu events\n", (unsigned long long)nev);
	sy_scenario_free(&sc);
	sy_formats_free(&fmts);
	return 0;
}
