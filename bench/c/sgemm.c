/* cblas_sgemm reference in C on the system OpenBLAS: C = A·B, square N, row-major,
 * timed per call for at least SECONDS after 3 warm-up calls; thread count from
 * OPENBLAS_NUM_THREADS. Prints {"flopPerSecond": 2N³·calls / time, ...} as JSON.
 * Build: gcc -O3 sgemm.c -lopenblas. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The CBLAS prototype, declared here so the build needs no particular cblas.h. */
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: sgemm N SECONDS\n"); return 2; }
  int n = atoi(argv[1]);
  double seconds = atof(argv[2]);
  float *a = aligned_alloc(64, sizeof(float) * n * n);
  float *b = aligned_alloc(64, sizeof(float) * n * n);
  float *c = aligned_alloc(64, sizeof(float) * n * n);
  for (long i = 0; i < (long)n * n; i++) { a[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f; b[i] = (float)((i * 104729) % 1000) / 500.0f - 1.0f; }
  for (int w = 0; w < 3; w++) cblas_sgemm(101, 111, 111, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
  double total = 0;
  long calls = 0;
  while (total < seconds) {
    double t0 = now();
    cblas_sgemm(101, 111, 111, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
    total += now() - t0;
    calls++;
  }
  printf("{\"flopPerSecond\": %.6e, \"calls\": %ld, \"seconds\": %.6f, \"check\": %.6e}\n", 2.0 * n * n * (double)n * calls / total, calls, total, (double)c[n + 1]);
  return 0;
}
