"""Fix texts of the classes the tuning half's labels judge wrong in session 14 (issue 13):
each case asserts the text written now, beside a near miss where the old text stays right."""

from __future__ import annotations

from .test_br301_fixes import _br301

ONE_KEY = '''from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/clients")


@router.post("/{id}/encryption-key", status_code=201)
async def create_encryption_key(id: int):
    return {}


@router.post("/{id}/note", status_code=201)
async def create_notes(id: int):
    return {}


@router.get("/{id}/report", status_code=201)
async def report(id: int):
    return {}


app.include_router(router)
'''


def test_br301_a_created_singular_sub_resource_gets_both_forms_not_a_plural() -> None:
    # fief api/routers/clients.py:96: `POST /clients/{id}/encryption-key` by
    # `create_encryption_key` stores the client's one key; "encryption-keys" misnamed it.
    found = {line: (message, text, code) for line, message, text, code in
             _br301({"main.py": ONE_KEY})}
    message, text, code = found[7]
    assert text == (
        'Decide whether a client has one "encryption-key" or several: if one (what '
        "`create_encryption_key` writes replaces the one before), the singular names it, a "
        "sub-resource of its own at /clients/{id}/encryption-key (PUT replaces it, DELETE "
        "removes it), and the path stays; if several, they are a collection: "
        "/clients/{id}/encryption-keys, one of them at /clients/{id}/encryption-keys/{key_id}")
    assert code is None
    assert message.endswith('use "encryption-keys" if it holds several (see the fix)')
    # Near miss: a handler that names the plural (`create_notes`) creates into a collection:
    # the rename stands.
    assert found[12][1:] == ('Name the collection in the plural: "/{id}/notes"', '"/{id}/notes"')
    # Near miss: a GET of a member's sub-resource is not reported at all (member_sub_resource).
    assert 17 not in found
