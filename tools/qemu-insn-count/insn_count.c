/*===- insn_count.c - qemu TCG plugin: dynamic instruction count ---------===*
 *
 * Counts the guest instructions a program executes under qemu-user, for
 * mpq's "dynamic instructions per MAC" measurements (no ARM or RISC-V
 * hardware here). Load with
 *   qemu-aarch64 -plugin build/lib/libmpq-qemu-insn-count.so,out=FILE prog
 * and it prints (to FILE, or qemu's log) "insns: N".
 *
 * Debian ships no qemu-plugin.h, so the few API entry points used are
 * declared here from qemu 7.2's public plugin API (API version 1).
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
                                               struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
                                              enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
                                    qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t insns;
static char outPath[4096];

/* Every translated block adds its instruction count each time it runs. */
static void onTranslate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                           &insns, qemu_plugin_tb_n_insns(tb));
}

static void onExit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  char line[64];
  snprintf(line, sizeof(line), "insns: %" PRIu64 "\n", insns);
  FILE *f = outPath[0] ? fopen(outPath, "w") : NULL;
  if (f) {
    fputs(line, f);
    fclose(f);
  } else {
    qemu_plugin_outs(line);
  }
}

__attribute__((visibility("default"))) int
qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                    char **argv) {
  (void)info;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "out=", 4) == 0) {
      snprintf(outPath, sizeof(outPath), "%s", argv[i] + 4);
    } else {
      fprintf(stderr, "insn_count: unknown argument '%s' (takes out=FILE)\n",
              argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, onTranslate);
  qemu_plugin_register_atexit_cb(id, onExit, NULL);
  return 0;
}
