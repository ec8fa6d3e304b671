/*
 * make bench: what the benchmark files share (bench.c keeps the table).
 */
#ifndef WINSHIM_BENCH_H
#define WINSHIM_BENCH_H

/* One row of the table: a winshim measurement in ns/op, its raw baseline
 * (named by `base`, "vs ...") measured in the same run, and the target. */
void row(const char *name, double ns, const char *base, double base_ns,
         const char *target);
/* A row in another unit ("x", "M/s"...), with the ratio given. */
void row_unit(const char *name, double value, const char *unit, const char *base,
              double base_value, double ratio, const char *target);

/* dbload.c: the database workload, n transactions per round. */
void bench_db(long n);
void bench_db_only(long n, int posix);

#endif
