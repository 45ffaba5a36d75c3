"""Code snippets: render an `HttpRequest` as runnable code in many languages (curl, Python, Node, Go, Java, ...).

Usage::

    from apiforge.snippets import render, targets

    code = render(request, "python")          # a target name, alias or language
    names = [t.name for t in targets()]

Each target is one small module that calls `register_target`; third-party targets use the same function.
"""

from apiforge.snippets._registry import Target, get_target, register_target, render, targets

__all__ = ["Target", "get_target", "register_target", "render", "targets"]
