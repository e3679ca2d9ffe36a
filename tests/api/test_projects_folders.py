"""Projects and folders against the real service, pagination over a few hundred items."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from voxbooth.api import NotFound, Unprocessable, VoxBoothClient, iter_all


def test_project_lifecycle(client: VoxBoothClient, tmp_path: Path) -> None:
    project = client.projects.create("Radio drama")
    assert project.name == "Radio drama" and project.id and project.url
    assert client.projects.get(project.id).name == "Radio drama"
    assert client.projects.by_url(project.url or "").id == project.id
    renamed = client.projects.rename(project.id, "Radio drama, series 2")
    assert renamed.name == "Radio drama, series 2"
    zip_path = client.projects.export(project.id, tmp_path)
    assert zip_path.parent == tmp_path and zip_path.suffix == ".zip"
    with zipfile.ZipFile(zip_path) as archive:
        assert "manifest.json" in archive.namelist()
    client.projects.delete(project.id)
    with pytest.raises(NotFound) as caught:
        client.projects.get(project.id)
    assert caught.value.status == 404


def test_sort_and_direction(client: VoxBoothClient) -> None:
    names = ["zeta take", "alpha take", "mid take"]
    made = {client.projects.create(n).id for n in names}
    listed = [p.name for p in client.projects.iter(sort="name", direction="desc")
              if p.id in made]
    assert listed == sorted(names, reverse=True)


def test_folders_nest_rename_delete(client: VoxBoothClient) -> None:
    project = client.projects.create("Audiobook")
    chapter = client.folders.create(project.id, "Chapter 1")
    scene = client.folders.create(project.id, "Scene A", parent_id=chapter.id)
    assert scene.parent_id == chapter.id and scene.project_id == project.id
    assert client.folders.get(scene.id).name == "Scene A"
    assert {f.id for f in client.folders.iter(project.id)} == {chapter.id, scene.id}
    assert [f.id for f in client.folders.list(project.id, parent_id=chapter.id).items] == [
        scene.id]
    assert client.folders.rename(chapter.id, "Chapter One").name == "Chapter One"
    client.folders.delete(chapter.id)  # takes its sub-folder with it
    with pytest.raises(NotFound):
        client.folders.get(scene.id)


def test_unknown_ids_are_not_found(client: VoxBoothClient) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(NotFound) as caught:
        client.folders.get(unknown)
    assert "not found" in caught.value.user_message.lower()
    with pytest.raises(NotFound):
        client.projects.rename(unknown, "x")


def test_bad_limit_is_unprocessable_with_the_servers_detail(client: VoxBoothClient) -> None:
    with pytest.raises(Unprocessable) as caught:
        client.projects.list(limit=-1)
    assert caught.value.status == 422
    assert [e["loc"] for e in caught.value.errors] == [["query", "limit"]]
    assert caught.value.user_message.startswith("The service could not accept the input: limit:")


def test_malformed_id_is_unprocessable(client: VoxBoothClient) -> None:
    with pytest.raises(Unprocessable):
        client.folders.get("not-a-uuid")


def test_pagination_walks_a_few_hundred_items_lazily(client: VoxBoothClient) -> None:
    project = client.projects.create("Many folders")
    made = [client.folders.create(project.id, f"Folder {i:03d}").id for i in range(260)]
    pages: list[int] = []

    def list_page(**params: object) -> object:
        page = client.folders.list(project.id, **params)  # type: ignore[arg-type]
        pages.append(len(page.items))
        return page

    walker = iter_all(list_page, page_size=100)  # type: ignore[arg-type]
    first = next(walker)
    assert first.id in made and pages == [100]  # nothing fetched beyond what was read
    walked = [first.id, *(f.id for f in walker)]
    assert len(walked) == len(set(walked)) == 260 and set(walked) == set(made)
    assert pages == [100, 100, 60]
    page = client.folders.list(project.id, limit=50, offset=250)
    assert page.pagination.count == 260 and len(page.items) == 10 and not page.has_more
