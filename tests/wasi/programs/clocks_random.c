// Clocks, sleeping and random bytes: the same output on every run with the
// same configuration.
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  struct timespec rt, m1, m2, res;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_getres(CLOCK_MONOTONIC, &res);
  clock_gettime(CLOCK_MONOTONIC, &m1);
  struct timespec nap = {0, 250000000};
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &m2);
  printf("realtime %lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec);
  printf("resolution %ld ns\n", res.tv_nsec);
  long long slept = (m2.tv_sec - m1.tv_sec) * 1000000000LL + (m2.tv_nsec - m1.tv_nsec);
  printf("slept at least 250 ms: %d\n", slept >= 250000000LL);
  unsigned char bytes[24];
  if (getentropy(bytes, sizeof bytes) != 0) return 1;
  printf("random ");
  for (unsigned i = 0; i < sizeof bytes; ++i) printf("%02x", bytes[i]);
  printf("\nrand %d\n", rand());
  return 0;
}
