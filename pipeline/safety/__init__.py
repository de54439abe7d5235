"""Safety: what keeps a hostile file from taking the machine (the layer under the readers).

    guard      checks before a file is opened (size, a PDF's boxes, forms, draws)
    sandbox    runs one notice in a child process with memory, CPU and time limits
               (its parts: children — the parent's handle; child — what runs in the
               child; explain — any failure as one PipelineError)

Place in the flow: under the readers and the batch.  May import: ``errors``,
``settings``, ``model``, ``schema``, ``text``.
"""
