"""Demo data for verification: an eligibility roll the council imported (one resident has matched
herself on it, another can try), a partner organisation's account that verified a young resident in
person, and the log of what staff and the partner did."""

from __future__ import annotations

import random

from server import clock
from server.demo import DEMO_PASSWORD, DemoContext
from server.verification import roll, service

# (identifier as printed on the resident's card, birth year, neighborhood): the demo's own people first.
ROLL = [
    ("RS-104-2231", 1988, "Riverside"),  # Amira Haddad, who has matched herself
    ("RS-104-7788", 1961, "Riverside"),  # Tom Becker: sign in as him and match on /account to try it
    ("HC-220-1143", 1995, "Hillcrest"),  # Grace Liu
]
PARTNER = ("Eastgate Youth Center", "Rosa Alvarez (Eastgate Youth Center)", "partner@demo.townsquare.example",
           "Eastgate", 1984)


def roll_csv(extra: int = 40, seed: int = 15) -> str:
    """The roll as the council would export it, with made-up residents around the demo's own."""
    rng = random.Random(seed)
    hoods = ["Riverside", "Hillcrest", "Old Town", "Eastgate"]
    rows = [*ROLL, *((f"{h[:2].upper()}-{rng.randint(100, 999)}-{n:04d}", rng.randint(1940, 2012), h)
                     for n, h in ((n, rng.choice(hoods)) for n in range(extra)))]
    return "identifier,birth_year,neighborhood\n" + "".join(f"{i},{y},{h}\n" for i, y, h in rows)


async def _verification(ctx: DemoContext) -> None:
    from server.accounts.service import create_user

    council = ctx.accounts["council"]
    rows, errors = roll.parse_roll(roll_csv(), await service.neighborhood_names(), clock.today().year,
                                   service.roll_key())
    assert not errors, errors
    await service.import_roll(rows, council, "residents-register-export.csv")
    await service.match_self(ctx.accounts["resident"], ROLL[0][0], ROLL[0][1])

    organisation, name, email, hood, year = PARTNER
    partner = await create_user(name, email, DEMO_PASSWORD, hood, year, "resident")
    await service.add_partner(email, organisation, by=council)
    ctx.accounts["partner"] = partner.id
    # The youth center verified Jordan at its front desk: he votes on the youth ballot with his account.
    youth = ctx.accounts["youth"]
    youth_row = await service.desk_account_by_id(youth)
    await service.verify_in_person(youth_row.email, youth_row.neighborhood_id, youth_row.birth_year, by=partner.id)
    ctx.notes.append(f"Verification: the roll holds {len(rows)} people (try “{ROLL[1][0]}”, born {ROLL[1][1]}, "
                     f"signed in as Tom Becker, on /account); partner {email} verifies at /verify.")


DEMO_STEPS = [("Verification: the roll and a partner", _verification)]
