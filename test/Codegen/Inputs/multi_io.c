/* Runs a generated model with any number of inputs and outputs through
 * MODEL_run_multi, sample by sample:
 *
 *   multi_io IN0.npy ... IN{NUM_INPUTS-1}.npy OUT0.npy ... OUT{NUM_OUTPUTS-1}.npy
 *
 * Every input is float32 [N, ...] (MODEL_INPUT_SIZE_i floats per sample, the
 * same N for all); output j is written as float32 [N, MODEL_OUTPUT_SIZE_j]. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char workspace[MODEL_WORKSPACE_SIZE];
static const long inSizes[] = MODEL_INPUT_SIZES;
static const long outSizes[] = MODEL_OUTPUT_SIZES;

static int fail(const char *msg, const char *path) {
  fprintf(stderr, "multi_io: %s: %s\n", path, msg);
  return 1;
}

/* Opens a float32 C-order .npy (version 1.0) and returns its dimension 0 in
 * *rows, leaving the stream at the data. */
static FILE *openNpy(const char *path, long *rows) {
  FILE *f = fopen(path, "rb");
  unsigned char magic[10];
  char header[4096];
  if (!f || fread(magic, 1, 10, f) != 10 ||
      memcmp(magic, "\x93NUMPY\x01", 7) != 0)
    return NULL;
  unsigned len = magic[8] | (magic[9] << 8);
  if (len >= sizeof header || fread(header, 1, len, f) != len)
    return NULL;
  header[len] = 0;
  const char *shape = strstr(header, "'shape': (");
  if (!strstr(header, "'<f4'") || strstr(header, "'fortran_order': True") ||
      !shape)
    return NULL;
  *rows = strtol(shape + 10, NULL, 10);
  return f;
}

static int writeNpy(const char *path, const float *data, long rows,
                    long cols) {
  FILE *out = fopen(path, "wb");
  if (!out)
    return 1;
  char h[128];
  int len = snprintf(h, sizeof h,
                     "{'descr': '<f4', 'fortran_order': False, "
                     "'shape': (%ld, %ld), }",
                     rows, cols);
  int pad = (64 - (10 + len + 1) % 64) % 64;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  pre[8] = (unsigned char)((len + pad + 1) & 0xff);
  pre[9] = (unsigned char)((len + pad + 1) >> 8);
  fwrite(pre, 1, 10, out);
  fwrite(h, 1, len, out);
  for (int i = 0; i < pad; ++i)
    fputc(' ', out);
  fputc('\n', out);
  fwrite(data, sizeof(float), rows * cols, out);
  return fclose(out) != 0;
}

int main(int argc, char **argv) {
  if (argc != 1 + MODEL_NUM_INPUTS + MODEL_NUM_OUTPUTS) {
    fprintf(stderr, "usage: %s %d inputs, %d outputs (.npy)\n", argv[0],
            MODEL_NUM_INPUTS, MODEL_NUM_OUTPUTS);
    return 2;
  }
  FILE *in[MODEL_NUM_INPUTS];
  const float *inPtr[MODEL_NUM_INPUTS];
  float *outPtr[MODEL_NUM_OUTPUTS], *outAll[MODEL_NUM_OUTPUTS];
  long n = -1;
  for (int i = 0; i < MODEL_NUM_INPUTS; ++i) {
    long rows;
    in[i] = openNpy(argv[1 + i], &rows);
    if (!in[i] || (n >= 0 && rows != n))
      return fail("not a float32 .npy with the same samples as input 0",
                  argv[1 + i]);
    n = rows;
    inPtr[i] = malloc(sizeof(float) * inSizes[i]);
  }
  for (int j = 0; j < MODEL_NUM_OUTPUTS; ++j)
    outAll[j] = malloc(sizeof(float) * outSizes[j] * (n > 0 ? n : 1));
  for (long s = 0; s < n; ++s) {
    for (int i = 0; i < MODEL_NUM_INPUTS; ++i)
      if (fread((float *)inPtr[i], sizeof(float), inSizes[i], in[i]) !=
          (size_t)inSizes[i])
        return fail("truncated data", argv[1 + i]);
    for (int j = 0; j < MODEL_NUM_OUTPUTS; ++j)
      outPtr[j] = outAll[j] + s * outSizes[j];
    if (model_run_multi(inPtr, outPtr, workspace) != 0)
      return fail("model_run_multi failed", argv[1]);
  }
  for (int j = 0; j < MODEL_NUM_OUTPUTS; ++j)
    if (writeNpy(argv[1 + MODEL_NUM_INPUTS + j], outAll[j], n, outSizes[j]))
      return fail("cannot write", argv[1 + MODEL_NUM_INPUTS + j]);
  return 0;
}
