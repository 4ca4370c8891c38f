/* STREAM triad reference in C: a[i] = b[i] + q * c[i] on doubles, OpenMP threads
 * (OMP_NUM_THREADS), timed per iteration for at least SECONDS after 10 warm-up
 * passes. Prints {"bytesPerSecond": total bytes / total time, ...} as JSON, bytes
 * counted as STREAM counts them (24 per element). Build: gcc -O3 -fopenmp. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: triad N SECONDS\n"); return 2; }
  long n = atol(argv[1]);
  double seconds = atof(argv[2]);
  double *a = aligned_alloc(64, n * sizeof(double));
  double *b = aligned_alloc(64, n * sizeof(double));
  double *c = aligned_alloc(64, n * sizeof(double));
  if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); return 1; }
  const double q = 3.0;
#pragma omp parallel for
  for (long i = 0; i < n; i++) { a[i] = 0; b[i] = 1.0 + (i % 1000) * 1e-3; c[i] = 2.0 - (i % 777) * 1e-3; }
  for (int w = 0; w < 10; w++) {
#pragma omp parallel for
    for (long i = 0; i < n; i++) a[i] = b[i] + q * c[i];
  }
  double total = 0;
  long iterations = 0;
  while (total < seconds) {
    double t0 = omp_get_wtime();
#pragma omp parallel for
    for (long i = 0; i < n; i++) a[i] = b[i] + q * c[i];
    total += omp_get_wtime() - t0;
    iterations++;
  }
  double check = 0;
  for (long i = 0; i < n; i += 4096) check += a[i];
  printf("{\"bytesPerSecond\": %.6e, \"iterations\": %ld, \"seconds\": %.6f, \"threads\": %d, \"check\": %.6e}\n",
         24.0 * n * iterations / total, iterations, total, omp_get_max_threads(), check);
  return 0;
}
