"""What benchmarks/kernels/run.py (NEON) and run_rvv.py (RVV) share: the
hottest basic block of an assembly file, llvm-mca 22 cycles per iteration of
a block, and dynamic instruction counts under qemu-user with the
mpq-qemu-insn-count plugin."""
import os
import re
import subprocess
import sys

MCA = "/usr/lib/llvm-22/bin/llvm-mca"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def hot_block(asm_path, macs_per_insn, ends_block):
    """The basic block of `asm_path` with the most MACs (`macs_per_insn`:
    mnemonic -> MACs) and its MAC count. Blocks end at labels and at
    instructions for which `ends_block(mnemonic)` holds (branches)."""
    blocks, cur = [], []
    for line in open(asm_path):
        s = line.strip()
        if re.match(r"^[.\w]+:", s):
            blocks.append(cur)
            cur = []
            continue
        if not s or s.startswith((".", "//", "@", ";", "#")):
            continue
        cur.append(s)
        if ends_block(s.split()[0]):
            blocks.append(cur)
            cur = []
    blocks.append(cur)

    def macs(block):
        return sum(macs_per_insn.get(l.split()[0], 0) for l in block)
    best = max(blocks, key=macs)
    return best, macs(best)


def mca(lines, triple, cpu, mattr=None):
    """llvm-mca's cycles per iteration of the block `lines`."""
    cmd = [MCA, f"-mtriple={triple}", f"-mcpu={cpu}", "-iterations=300"]
    if mattr:
        cmd.append(f"-mattr={mattr}")
    out = subprocess.run(cmd, input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    it = int(re.search(r"Iterations:\s+(\d+)", out).group(1))
    cyc = int(re.search(r"Total Cycles:\s+(\d+)", out).group(1))
    return cyc / it


def count_insns(qemu, cpu, plugin, app, images, n, work):
    """Instructions `app IN OUT` executes under `qemu -cpu cpu` on the first
    `n` images of the .npy file `images`."""
    import numpy as np
    x = os.path.join(work, f"x{n}.npy")
    np.save(x, np.load(images)[:n])
    out = os.path.join(work, "count.txt")
    subprocess.run([qemu, "-cpu", cpu, "-plugin", f"{plugin},out={out}",
                    app, x, os.path.join(work, "y.npy")], check=True)
    return int(re.search(r"insns: (\d+)", open(out).read()).group(1))
