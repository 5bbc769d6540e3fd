#!/usr/bin/env python3
"""Reads CareWeb's graph exports back with NetworkX (and igraph when it is
importable) and prints what they hold as JSON on stdout, for the Go test
cmd/careweb TestExportNetworkXReadBack to compare with the store.

usage: export_readback.py FILE...

Each FILE is a GraphML export (*.graphml, read with networkx.read_graphml
and igraph.Graph.Read_GraphML) or a node-link JSON export (*.json, read
with networkx.node_link_graph). Output:

  {"networkx": "2.8.8", "igraph": "0.10.2" or null,
   "files": {FILE: {"class", "directed", "multigraph", "nodes", "edges",
                    "graph": {...}, "node_attrs": {id: {...}},
                    "edge_list": [[source, target, key, {...}], ...],
                    "igraph": {"vertices", "edges", "directed",
                               "kinds": {...}, "types": {...}} or absent}}}
"""
import json
import sys
from collections import Counter

import networkx as nx

try:
    import igraph
except ImportError:  # optional: the Go test checks it only when present
    igraph = None


def summary(g):
    graph = {k: v for k, v in g.graph.items() if k not in ("node_default", "edge_default")}
    return {
        "class": type(g).__name__,
        "directed": g.is_directed(),
        "multigraph": g.is_multigraph(),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "graph": graph,
        "node_attrs": {str(n): dict(d) for n, d in g.nodes(data=True)},
        "edge_list": [[str(u), str(v), str(k), dict(d)] for u, v, k, d in g.edges(keys=True, data=True)],
    }


def read_json(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    try:
        # NetworkX 3.4 names the list "edges" by default and warns unless
        # told; older releases have no such argument.
        return nx.node_link_graph(data, edges="links")
    except TypeError:
        return nx.node_link_graph(data)


def read_igraph(path):
    g = igraph.Graph.Read_GraphML(path)
    return {
        "vertices": g.vcount(),
        "edges": g.ecount(),
        "directed": g.is_directed(),
        "kinds": dict(Counter(g.vs["kind"])),
        "types": dict(Counter(g.es["type"])),
    }


def main(paths):
    out = {"networkx": nx.__version__, "igraph": igraph.__version__ if igraph else None, "files": {}}
    for path in paths:
        if path.endswith(".graphml"):
            s = summary(nx.read_graphml(path))
            if igraph:
                s["igraph"] = read_igraph(path)
        elif path.endswith(".json"):
            s = summary(read_json(path))
        else:
            sys.exit(f"export_readback.py: {path}: want a .graphml or .json file")
        out["files"][path] = s
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
