"""astutil.annotation_core: the one type an annotation is about."""

import ast

import pytest

from backendreview.astutil import annotation_core


def _core(source: str) -> str | None:
    node = annotation_core(ast.parse(source, mode="eval").body)
    return None if node is None else ast.unparse(node)


@pytest.mark.parametrize(("annotation", "core"), [
    ("User", "User"),
    ("models.User", "models.User"),
    ("Optional[User]", "User"),
    ("typing.Optional[User]", "User"),
    ("User | None", "User"),
    ("None | User", "User"),
    ("Union[User, None]", "User"),
    ("Annotated[User, Depends(current_user)]", "User"),
    ("Optional[Annotated[Session, Depends(get_db)]]", "Session"),
    ("'User'", "User"),
    ("'Optional[User]'", "User"),
    ("list[User]", "list[User]"),  # a collection stays a collection
    ("type[User]", "type[User]"),
])
def test_wrappers_are_taken_away(annotation: str, core: str) -> None:
    assert _core(annotation) == core


@pytest.mark.parametrize("annotation", [
    "User | Group",
    "Union[User, Group]",
    "Union[User, Group, None]",
    "'not python('",
])
def test_several_types_or_unparsable_give_none(annotation: str) -> None:
    assert _core(annotation) is None
