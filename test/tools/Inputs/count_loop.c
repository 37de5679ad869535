/* A loop whose trip count comes from argv: its instruction count grows
   linearly with it. Used by qemu-insn-count.test. */
#include <stdlib.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 0;
  volatile long acc = 0;
  for (long i = 0; i < n; ++i)
    acc += i;
  return (int)(acc & 1);
}
