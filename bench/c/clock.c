/* Core clock estimate without rdtsc (which counts at a fixed reference rate,
 * not the core's): a chain of dependent integer adds, each with one cycle of
 * latency on every current x86 and ARM core, timed on the thread's own CPU
 * time, so adds / CPU seconds = cycles / seconds = Hz while the thread runs,
 * however the OS shares the core with other processes. Runs on
 * OMP_NUM_THREADS threads at once, every core loaded as fma-peak loads them,
 * for SECONDS of wall time; prints {"hz": mean of the threads, "minHz",
 * "maxHz", "cpuShare": CPU time / wall time, mean of the threads (below 1 when
 * other processes took turns on the cores)} as JSON.
 * Build: gcc -O2 -fopenmp clock.c. */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* One add that the compiler can neither fold nor reorder: x += y, as an instruction. */
#if defined(__x86_64__)
#define ADD(x, y) __asm__ volatile("add %1, %0" : "+r"(x) : "r"(y))
#elif defined(__aarch64__)
#define ADD(x, y) __asm__ volatile("add %0, %0, %1" : "+r"(x) : "r"(y))
#else
#error "clock.c: x86-64 or AArch64 only"
#endif
#define ADD10(x, y) ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y); ADD(x, y)
/* Adds per timed batch: 100 per loop step (the loop's own counter runs beside the chain), 10^5 steps, ~40 µs at 2.5 GHz. */
#define ADDS_PER_STEP 100
#define STEPS 100000

static double thread_cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* This thread's clock (Hz, over its CPU time) and its share of the wall time. */
static void chain(double seconds, double *hz, double *share) {
  uint64_t x = 0, y = 1, adds = 0;
  double t0 = omp_get_wtime(), t = t0, c0 = thread_cpu_seconds();
  while (t - t0 < seconds) {
    for (int s = 0; s < STEPS; s++) { ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); ADD10(x, y); }
    adds += (uint64_t)ADDS_PER_STEP * STEPS;
    t = omp_get_wtime();
  }
  double cpu = thread_cpu_seconds() - c0;
  if (x != adds) fprintf(stderr, "clock: the chain did not run as written\n");
  *hz = adds / cpu;
  *share = cpu / (t - t0);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: clock SECONDS\n"); return 2; }
  double seconds = atof(argv[1]);
  int threads = omp_get_max_threads();
  double *hz = calloc(threads, sizeof *hz), *share = calloc(threads, sizeof *share);
#pragma omp parallel num_threads(threads)
  chain(seconds, &hz[omp_get_thread_num()], &share[omp_get_thread_num()]);
  double sum = 0, shares = 0, lo = hz[0], hi = hz[0];
  for (int i = 0; i < threads; i++) {
    sum += hz[i];
    shares += share[i];
    if (hz[i] < lo) lo = hz[i];
    if (hz[i] > hi) hi = hz[i];
  }
  printf("{\"hz\": %.6g, \"minHz\": %.6g, \"maxHz\": %.6g, \"cpuShare\": %.4f, \"threads\": %d}\n", sum / threads, lo, hi, shares / threads, threads);
  free(share);
  free(hz);
  return 0;
}
