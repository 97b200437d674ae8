from datetime import datetime

from ninja import Router, Schema

from luoshi.notices import queries, services

router = Router(tags=["通知"])


class NoticeOut(Schema):
    id: int
    cause: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


@router.get("/", response=list[NoticeOut], summary="我的通知（最新100条）")
def inbox(request, unread: bool = False):
    return list(queries.inbox(request.auth, unread_only=unread)[:100])


@router.post("/{notice_id}/read", response=NoticeOut, summary="标为已读")
def read(request, notice_id: int):
    return services.mark_read(request.auth, notice_id)
