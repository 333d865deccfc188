"""A call's path after the webhooks: the jobs that transcribe, route and text, and the sweeps.

``jobs`` defines every job (path, id, queue, limits); ``transcribe``, ``route`` and ``sms``
hold the job functions and their sweeps; ``sweeps`` lists what workers run between jobs.
"""
