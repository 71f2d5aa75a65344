"""What the benchmarks share: this package's products and the C baselines, built."""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")


def swift_product(product, configuration="release"):
    """Builds `product` of this package; the path of the executable."""
    subprocess.run(["swift", "build", "-c", configuration, "--product", product], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(bin_path(configuration), product)


def bin_path(configuration="release"):
    return subprocess.run(["swift", "build", "-c", configuration, "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def c_program(source, library):
    """Compiles bench/SOURCE.c with -O2 against `library`; the path of the program."""
    os.makedirs(OUT, exist_ok=True)
    program = os.path.join(OUT, source)
    subprocess.run(["cc", "-O2", "-o", program, os.path.join(HERE, source + ".c"), "-l" + library], check=True)
    return program


def listening(server, port, name):
    """Waits (5 s at most) until `server`, a process just started, takes TCP connections on
    `port`; returns it, or kills it and exits saying `name` did not start."""
    import socket
    import sys
    import time
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    sys.exit(f"{name} did not start")
