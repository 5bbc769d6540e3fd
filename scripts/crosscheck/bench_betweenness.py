#!/usr/bin/python3
"""Times exact betweenness centrality in igraph and NetworkX on edge lists.

Usage:
  /usr/bin/python3 bench_betweenness.py [--igraph FILE]... [--networkx FILE]... [--dump DIR]

Each FILE is a plain "u v" edge list with integer node ids 0..n-1 (what
internal/metrics/network's TestBetweennessVsPeers writes). For each run it
prints one JSON object per line:
  {"tool": "igraph", "version": "0.10.2", "file": ..., "n": ..., "m": ...,
   "seconds": ..., "load_seconds": ...}
"seconds" times the betweenness call alone (undirected, unnormalised),
not reading the file. With --dump DIR the values are written to
DIR/<tool>-<basename>.json as a list indexed by node id, so the caller can
check that every tool computed the same thing.

Needs Debian's python3-igraph and python3-networkx
(scripts/crosscheck/ensure-deps.sh).
"""
import json
import os
import sys
import time


def run_igraph(path):
    import igraph

    t0 = time.perf_counter()
    g = igraph.Graph.Read_Edgelist(path, directed=False)
    g.simplify()
    t1 = time.perf_counter()
    b = g.betweenness(directed=False)
    t2 = time.perf_counter()
    return igraph.__version__, g.vcount(), g.ecount(), t2 - t1, t1 - t0, b


def run_networkx(path):
    import networkx as nx

    t0 = time.perf_counter()
    g = nx.read_edgelist(path, nodetype=int)
    t1 = time.perf_counter()
    d = nx.betweenness_centrality(g, normalized=False)
    t2 = time.perf_counter()
    n = max(d) + 1 if d else 0
    b = [d.get(v, 0.0) for v in range(n)]
    return nx.__version__, g.number_of_nodes(), g.number_of_edges(), t2 - t1, t1 - t0, b


def main():
    args = sys.argv[1:]
    runs, dump = [], None
    while args:
        flag = args.pop(0)
        if flag in ("--igraph", "--networkx") and args:
            runs.append((flag[2:], args.pop(0)))
        elif flag == "--dump" and args:
            dump = args.pop(0)
        else:
            sys.exit(__doc__)
    for tool, path in runs:
        f = run_igraph if tool == "igraph" else run_networkx
        version, n, m, secs, load, values = f(path)
        print(json.dumps({"tool": tool, "version": version, "file": path, "n": n, "m": m,
                          "seconds": secs, "load_seconds": load}), flush=True)
        if dump:
            name = "%s-%s.json" % (tool, os.path.basename(path))
            with open(os.path.join(dump, name), "w") as out:
                json.dump(values, out)


if __name__ == "__main__":
    main()
