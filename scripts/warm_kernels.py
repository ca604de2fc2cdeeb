"""Report kernels forked from one warm process, instead of each starting Python afresh.

A report kernel spends about a second before its first cell does anything useful: starting
Python, importing ipykernel, NumPy, SciPy, matplotlib and ``course_code``. With seventeen
reports that is a sixth of the build's CPU. Here one *template* process imports all of that
once; each kernel is a ``fork()`` of it, which shares the imported modules and starts in
milliseconds. The kernel itself is the ordinary ipykernel, speaking the ordinary protocol
to nbclient, so a report's outputs are the ones a fresh kernel gives.

How the pieces talk (POSIX only; elsewhere :func:`kernels` yields None and the build uses
ordinary kernels):

- ``serve(path)`` is the template. It listens on a Unix socket at ``path``. For each
  request (a kernel command line, a working directory, an environment, and three file
  descriptors passed with ``SCM_RIGHTS``) it forks; the child puts the descriptors on 0, 1
  and 2, takes the environment and directory, and runs ``IPKernelApp``. The template
  answers with the child's pid, and later with its exit status. If the requester goes
  away, the template kills the child.
- ``stand_in(path, argv)`` is what jupyter_client starts instead of ``python -m
  ipykernel_launcher``: a short-lived Python without heavy imports that sends the request
  with its own stdin, stdout and stderr, forwards SIGINT and SIGTERM to the kernel (what
  jupyter_client sends to interrupt or stop it), and exits with the kernel's status. To
  jupyter_client it *is* the kernel process: ``poll``, ``wait`` and ``kill`` work on it.

Not preloaded: modules that must be imported inside the kernel (pyplot and the inline
backend hook into the running IPython shell), and TensorFlow and Dask, whose threads and
state do not survive a fork.

Usage: ``with kernels(env) as manager_class: NotebookClient(..., kernel_manager_class=manager_class)``
"""

from __future__ import annotations

import array
import contextlib
import importlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Imported once by the template, shared by every kernel forked from it.
PRELOAD = ("numpy", "scipy.special", "scipy.linalg", "sklearn.datasets", "PIL.Image", "matplotlib",
           "matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg",
           "IPython", "IPython.display", "ipykernel.kernelapp", "ipykernel.ipkernel",
           "course_code", "course_code.build", "course_code.experiments", "course_code.figures")
NOT_IN_TEMPLATE = ("matplotlib.pyplot", "matplotlib_inline", "tensorflow", "keras", "dask", "distributed")
FDS = 3  # stdin, stdout, stderr of the stand-in


def _send(conn: socket.socket, message: dict, fds: tuple[int, ...] = ()) -> None:
    data = json.dumps(message).encode() + b"\n"
    if fds:  # the descriptors go with the first bytes; what sendmsg did not send follows
        data = data[conn.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]):]
    conn.sendall(data)


def _receive(conn: socket.socket, with_fds: bool = False) -> tuple[dict | None, list[int]]:
    """One newline-ended JSON message (None at end of stream) and the descriptors sent with it."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        if with_fds and not fds:
            chunk, ancdata, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(FDS * array.array("i").itemsize))
            for level, kind, payload in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds += array.array("i", payload[:len(payload) - len(payload) % 4]).tolist()
        else:
            chunk = conn.recv(65536)
        if not chunk:
            return None, fds
        data += chunk
    return json.loads(data), fds


# ---------------------------------------------------------------------- the template
def _preload() -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    with contextlib.suppress(ImportError):
        from course_code import experiments, figures

        for name in experiments.names():  # every experiment and figure module a report may ask for
            if not set(getattr(experiments.get(name), "EXTRA_LIBRARIES", ())) & set(NOT_IN_TEMPLATE):
                experiments.get(name)
                figures.get(name)
    loaded = sorted(m for m in NOT_IN_TEMPLATE if m in sys.modules)
    if loaded:  # a preloaded module pulled one in: the kernels would inherit it half set up
        raise RuntimeError(f"the kernel template imported {', '.join(loaded)}; it must not")


def _kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: become the kernel the request asks for; never returns."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
            del sys.path[0]  # this script's folder; ipykernel_launcher drops its own entry too
        sys.stdin, sys.stdout, sys.stderr = (open(i, mode, closefd=False)
                                             for i, mode in ((0, "r"), (1, "w"), (2, "w")))
        from ipykernel.kernelapp import IPKernelApp

        # The template is the kernel's parent: the kernel ends if the template does.
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *argv]
        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(path: str) -> None:
    """The template: preload, then fork a kernel for each request on the socket at ``path``."""
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(16)
    os.replace(path + ".tmp", path)  # the socket appears only once the template is ready
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}  # kernel pid -> its stand-in's connection
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    try:
        while not stop:
            for key, _ in selector.select(timeout=0.05):
                if key.fileobj is listener:
                    conn, _ = listener.accept()
                    request, fds = _receive(conn, with_fds=True)
                    if request is None or len(fds) != FDS:
                        conn.close()
                        continue
                    pid = os.fork()
                    if pid == 0:  # the kernel keeps none of the template's sockets
                        selector.close()
                        for other in (listener, conn, *children.values()):
                            other.close()
                        _kernel(request, fds)
                    for fd in fds:
                        os.close(fd)
                    _send(conn, {"pid": pid})
                    children[pid] = conn
                    selector.register(conn, selectors.EVENT_READ, pid)
                else:  # a stand-in closed its end (it was killed): kill its kernel too
                    selector.unregister(key.fileobj)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(key.data, signal.SIGKILL)
            while children:  # report the kernels that ended
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                conn = children.pop(pid, None)
                if conn is not None:
                    with contextlib.suppress(KeyError):
                        selector.unregister(conn)
                    with contextlib.suppress(OSError):
                        _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                    conn.close()
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


# ---------------------------------------------------------------------- the stand-in
def stand_in(path: str, argv: list[str]) -> int:
    """Have the template fork a kernel with ``argv``; forward signals to it; return its exit code."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError as e:
        print(f"no kernel template listens at {path} ({e}): it has exited; see the build's log",
              file=sys.stderr)
        return 1
    _send(conn, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}, (0, 1, 2))
    reply, _ = _receive(conn)
    if reply is None:
        print("the kernel template closed the connection", file=sys.stderr)
        return 1
    pid = reply["pid"]

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    while True:
        try:
            reply, _ = _receive(conn)
            break
        except InterruptedError:
            continue
    return 1 if reply is None else int(reply["exit"])


# ---------------------------------------------------------------------- for build_reports
def template_command(path: str) -> list[str]:
    """The command line of the template listening at ``path``."""
    return [sys.executable, __file__, "serve", path]


@contextlib.contextmanager
def kernels(env: dict[str, str], *, timeout: float = 60.0):
    """Start the template with ``env``; yield a jupyter_client kernel manager class whose
    kernels are forked from it; stop it after. Yields None (ordinary kernels) where fork or
    Unix sockets are missing, or when the template does not start (the reason is printed)."""
    if not (hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and hasattr(socket.socket, "sendmsg")):
        yield None
        return
    from jupyter_client.manager import AsyncKernelManager

    with tempfile.TemporaryDirectory(prefix="kernels-") as tmp:
        path = str(Path(tmp) / "template.sock")
        template = subprocess.Popen(template_command(path), env=env, stdin=subprocess.DEVNULL)
        try:
            start, problem = time.perf_counter(), None
            while not os.path.exists(path) and problem is None:
                if template.poll() is not None:
                    problem = f"it exited with status {template.returncode}"
                elif time.perf_counter() - start > timeout:
                    problem = f"it was not ready within {timeout:.0f} s"
                time.sleep(0.02)
            if problem is not None:  # the reports still run, each in a kernel started afresh
                print(f"  the kernel template did not start ({problem}): kernels start afresh",
                      file=sys.stderr)
                yield None
                return

            class ForkedKernelManager(AsyncKernelManager):
                """Starts the stand-in (this file's ``kernel`` command) instead of ipykernel_launcher."""

                template_pid = template.pid  # the kernels are its children

                @property
                def kernel_spec(self):
                    spec = super().kernel_spec
                    if spec is not None and not getattr(spec, "_forked", False):
                        spec.argv = [sys.executable, __file__, "kernel", path, "-f", "{connection_file}"]
                        spec._forked = True
                    return spec

            yield ForkedKernelManager
        finally:
            template.terminate()
            try:
                template.wait(10)
            except subprocess.TimeoutExpired:
                template.kill()
                template.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["kernel"]:
        sys.exit(stand_in(sys.argv[2], sys.argv[3:]))
    else:
        sys.exit(f"usage: {sys.argv[0]} serve SOCKET | kernel SOCKET -f CONNECTION_FILE")
