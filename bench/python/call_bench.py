#!/usr/bin/env python3
"""The Python package's overheads, as ratios measured in one run.

- an export call, add(i32, i32) -> i32, against calling a plain Python
  function of the same arguments;
- a Wasm call of a Python host function (through an export that calls it
  once), against the same plain call;
- reading 1 and 255 bytes of memory through the zero-copy buffer
  (Memory.buffer, a memoryview), through detwasm.wasmer's uint8 view, and
  with Memory.read, against slicing a bytearray.

Each measurement is the best of several rounds of timeit, interleaved so
that load on the machine hits all alike. Run with the build's package on
the path:

    PYTHONPATH=build/python python3 bench/python/call_bench.py [--rounds N]
"""
import argparse
import timeit

import detwasm as wasmtime
from detwasm import wasmer

WAT = """
(module
  (import "host" "add" (func $host_add (param i32 i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "call_host") (param i32 i32) (result i32) (call $host_add (local.get 0) (local.get 1))))
"""


def plain_add(a, b):
    return a + b


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=20000, help="calls per timing")
    parser.add_argument("--tier", default="jit", choices=["jit", "interpreter"])
    args = parser.parse_args()

    config = wasmtime.Config()
    config.tier = args.tier
    store = wasmtime.Store(wasmtime.Engine(config))
    i32 = wasmtime.ValType.i32()
    host = wasmtime.Func(store, wasmtime.FuncType([i32, i32], [i32]), plain_add)
    module = wasmtime.Module(store.engine, WAT)
    exports = wasmtime.Instance(store, module, [host]).exports(store)
    add, call_host, mem = exports["add"], exports["call_host"], exports["mem"]
    buffer = mem.buffer(store)
    mem.write(store, bytes(range(256)), 0)
    array = bytearray(range(256)) + bytearray(65536 - 256)

    wstore = wasmer.Store()
    winstance = wasmer.Instance(wasmer.Module(wstore, "(module (memory (export \"mem\") 1))"))
    view = winstance.exports.mem.uint8_view()

    cases = {
        "plain Python call": lambda: plain_add(1, 2),
        "export call add(i32, i32)": lambda: add(store, 1, 2),
        "Wasm calling a Python host function": lambda: call_host(store, 1, 2),
        "bytearray[0:1]": lambda: array[0:1],
        "buffer[0:1]": lambda: buffer[0:1],
        "bytearray[0:255]": lambda: array[0:255],
        "buffer[0:255]": lambda: buffer[0:255],
        "Memory.read(0, 255)": lambda: mem.read(store, 0, 255),
        "wasmer uint8_view[0:255]": lambda: view[0:255],
    }
    best = {name: float("inf") for name in cases}
    for _ in range(args.rounds):
        for name, fn in cases.items():
            t = timeit.timeit(fn, number=args.number) / args.number
            best[name] = min(best[name], t)

    print(f"best of {args.rounds} rounds of {args.number}, tier {args.tier}")
    print(f"{'case':40} {'ns':>9}")
    for name, t in best.items():
        print(f"{name:40} {t * 1e9:9.0f}")
    ratios = [
        ("export call / plain call (target <= 4)", best["export call add(i32, i32)"] / best["plain Python call"]),
        ("host call via Wasm / plain call", best["Wasm calling a Python host function"] / best["plain Python call"]),
        ("buffer[0:1] / bytearray[0:1]", best["buffer[0:1]"] / best["bytearray[0:1]"]),
        ("buffer[0:255] / bytearray[0:255] (target <= 1.5)", best["buffer[0:255]"] / best["bytearray[0:255]"]),
        ("Memory.read 255 / bytearray[0:255]", best["Memory.read(0, 255)"] / best["bytearray[0:255]"]),
        ("uint8_view[0:255] / bytearray[0:255]", best["wasmer uint8_view[0:255]"] / best["bytearray[0:255]"]),
    ]
    print()
    for name, r in ratios:
        print(f"{name:50} {r:6.2f}")


if __name__ == "__main__":
    main()
