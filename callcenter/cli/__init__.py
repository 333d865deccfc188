"""`flask` commands; each module owns one group or command."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach every command to the app's CLI."""
    from callcenter.cli import (
        catalogue,
        database,
        demo_data,
        kpi,
        routing,
        search,
        serve,
        simulate,
        tickets,
        transcription,
        users,
        worker,
    )

    app.cli.add_command(database.db_group)
    app.cli.add_command(database.seed_command)
    app.cli.add_command(database.setup_command)
    app.cli.add_command(worker.worker_command)
    app.cli.add_command(serve.serve_command)
    app.cli.add_command(tickets.tickets_group)
    app.cli.add_command(users.users_group)
    app.cli.add_command(simulate.simulate_call_command)
    app.cli.add_command(demo_data.demo_data_command)
    app.cli.add_command(kpi.kpi_rollups_command)
    app.cli.add_command(routing.route_command)
    app.cli.add_command(transcription.prepare_models_command)
    app.cli.add_command(transcription.transcribe_command)
    app.cli.add_command(transcription.requeue_command)
    app.cli.add_command(search.search_group)
    app.cli.add_command(catalogue.catalogue_group)
