"""Preloaded in each local Dask worker process that `cchc run --task-runner dask` starts.

A terminal's Ctrl-C reaches the whole foreground process group. The run decides what an interrupt does
(flows.interrupt: one line, then flows.children ends every worker); a worker that took the SIGINT itself
would print its own KeyboardInterrupt traceback first.
"""
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
