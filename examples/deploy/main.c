/* A small application linking an mpq artifact the way firmware or an app
 * would: model.h for the sizes and the entry point, model.o for the code.
 *
 *   app INPUT.npy OUTPUT.npy
 *
 * INPUT.npy is float32 [N, ...] with MODEL_INPUT_SIZE floats per sample;
 * OUTPUT.npy gets float32 [N, MODEL_OUTPUT_SIZE]. The workspace is a static
 * buffer of the application (the generated code allocates nothing). */
#include "model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char workspace[MODEL_WORKSPACE_SIZE];

static int fail(const char *msg, const char *path) {
  fprintf(stderr, "app: %s: %s\n", path, msg);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s INPUT.npy OUTPUT.npy\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "rb");
  if (!in)
    return fail("cannot open", argv[1]);
  unsigned char magic[10];
  if (fread(magic, 1, 10, in) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0)
    return fail("not a .npy file", argv[1]);
  unsigned headerLen = magic[8] | (magic[9] << 8);
  if (magic[6] != 1)
    return fail("only .npy version 1.0 is read", argv[1]);
  char header[4096];
  if (headerLen >= sizeof header || fread(header, 1, headerLen, in) != headerLen)
    return fail("bad header", argv[1]);
  header[headerLen] = 0;
  if (!strstr(header, "'<f4'") || strstr(header, "'fortran_order': True"))
    return fail("expected little-endian float32 in C order", argv[1]);
  const char *shape = strstr(header, "'shape': (");
  if (!shape)
    return fail("no shape", argv[1]);
  long n = strtol(shape + 10, NULL, 10);
  float *x = malloc(sizeof(float) * MODEL_INPUT_SIZE);
  float *y = malloc(sizeof(float) * MODEL_OUTPUT_SIZE * (n > 0 ? n : 1));
  if (!x || !y)
    return fail("out of memory", argv[1]);
  for (long i = 0; i < n; ++i) {
    if (fread(x, sizeof(float), MODEL_INPUT_SIZE, in) != MODEL_INPUT_SIZE)
      return fail("truncated data", argv[1]);
    int rc = model_run(x, y + i * MODEL_OUTPUT_SIZE, workspace);
#ifdef MODEL_ERROR_VLEN
    if (rc == MODEL_ERROR_VLEN)
      return fail("model_run: this CPU's vector registers are outside the "
                  "VLEN range the model was compiled for (model.h: "
                  "MODEL_MIN_VLEN, MODEL_MAX_VLEN)",
                  argv[1]);
#endif
    if (rc != 0)
      return fail("model_run failed", argv[1]);
  }
  fclose(in);

  FILE *out = fopen(argv[2], "wb");
  if (!out)
    return fail("cannot create", argv[2]);
  char h[128];
  int len = snprintf(h, sizeof h,
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (%ld, %d), }",
                     n, MODEL_OUTPUT_SIZE);
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  pre[8] = (unsigned char)((len + pad + 1) & 0xff);
  pre[9] = (unsigned char)((len + pad + 1) >> 8);
  fwrite(pre, 1, 10, out);
  fwrite(h, 1, len, out);
  for (int i = 0; i < pad; ++i)
    fputc(' ', out);
  fputc('\n', out);
  fwrite(y, sizeof(float), MODEL_OUTPUT_SIZE * n, out);
  fclose(out);
  free(x);
  free(y);
  return 0;
}
