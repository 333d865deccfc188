"""`flask route "TEXT"`: route a statement and print the decision as JSON."""

from __future__ import annotations

import json

import click

from routing.location import ivr_region, region_point


def _check_region(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    found = ivr_region(value) if value.isdigit() else region_point(value, source="ivr_speech")
    if found is None:
        raise click.BadParameter(
            f"알 수 없는 지역입니다 (unknown region): {value!r}. "
            "area_codes.csv의 지역 이름(경남, Gyeongnam)이나 ARS 지역 번호(1-7)를 주세요."
        )
    return value


@click.command("route")
@click.argument("text")
@click.option("--from", "caller", default=None, help="Caller number, E.164 (+8255...).")
@click.option(
    "--region",
    default=None,
    help="Region answer: a name from area_codes.csv (경남 / Gyeongnam) or IVR digit 1-7.",
)
@click.option("--menu", "menu_choice", default=None, help="IVR main menu digit (1, 2, 3, 0).")
def route_command(
    text: str, caller: str | None, region: str | None, menu_choice: str | None
) -> None:
    """Route TEXT: topic, caller region, center, institutes and the explanation, as JSON."""
    from routing.router import get_router

    region = _check_region(region)
    decision = get_router().route(
        text,
        caller_number=caller,
        ivr_region=region,
        menu_choice=menu_choice,
        region_source="ivr_digit" if region and region.isdigit() else None,
    )
    click.echo(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))
