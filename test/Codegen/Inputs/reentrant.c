/* Checks the header's promises: model_run is re-entrant with distinct
 * workspaces (4 threads run all samples concurrently and must reproduce a
 * serial run bit for bit), needs no particular workspace alignment (the
 * serial run uses a workspace at an odd address), and leaves its input
 * untouched. Input: raw float32 samples on argv[1], MODEL_INPUT_SIZE each. */
#include "model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
static float *inputs, *serial, *parallel;
static long samples;

static void *worker(void *arg) {
  long t = (long)arg;
  unsigned char *ws = malloc(MODEL_WORKSPACE_SIZE);
  for (int round = 0; round < 3; ++round)
    for (long i = t; i < samples; i += THREADS)
      if (model_run(inputs + i * MODEL_INPUT_SIZE,
                    parallel + i * MODEL_OUTPUT_SIZE, ws) != 0)
        abort();
  free(ws);
  return NULL;
}

int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb");
  if (!f)
    return 2;
  fseek(f, 0, SEEK_END);
  samples = ftell(f) / (long)(sizeof(float) * MODEL_INPUT_SIZE);
  fseek(f, 0, SEEK_SET);
  inputs = malloc(sizeof(float) * MODEL_INPUT_SIZE * samples);
  if (fread(inputs, sizeof(float) * MODEL_INPUT_SIZE, samples, f) !=
      (size_t)samples)
    return 2;
  fclose(f);
  float *copy = malloc(sizeof(float) * MODEL_INPUT_SIZE * samples);
  memcpy(copy, inputs, sizeof(float) * MODEL_INPUT_SIZE * samples);
  serial = calloc(samples * MODEL_OUTPUT_SIZE, sizeof(float));
  parallel = calloc(samples * MODEL_OUTPUT_SIZE, sizeof(float));
  unsigned char *ws = malloc(MODEL_WORKSPACE_SIZE + 1);
  for (long i = 0; i < samples; ++i)
    if (model_run(inputs + i * MODEL_INPUT_SIZE,
                  serial + i * MODEL_OUTPUT_SIZE, ws + 1) != 0)
      return 3;
  pthread_t th[THREADS];
  for (long t = 0; t < THREADS; ++t)
    pthread_create(&th[t], NULL, worker, (void *)t);
  for (long t = 0; t < THREADS; ++t)
    pthread_join(th[t], NULL);
  int same = memcmp(serial, parallel,
                    sizeof(float) * MODEL_OUTPUT_SIZE * samples) == 0;
  int untouched =
      memcmp(copy, inputs, sizeof(float) * MODEL_INPUT_SIZE * samples) == 0;
  printf("%ld samples, %d threads: %s; input %s\n", samples, THREADS,
         same ? "reentrant" : "DIFFERENT", untouched ? "untouched" : "CHANGED");
  return same && untouched ? 0 : 1;
}
