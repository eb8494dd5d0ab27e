"""Lead form interface, written for the seed platform (FastAPI router); FlowDesk reads the constants only."""

import os

from fastapi import APIRouter
from fastapi.responses import FileResponse

DISPLAY_NAME = "Lead form"
DESCRIPTION = "A web form that sends new leads to the lead_nurturing workflow"
ROUTE = "/lead-form"
ICON = "🎯"

router = APIRouter(prefix=ROUTE)


@router.get("/")
def get_interface():
    return FileResponse(os.path.join(os.path.dirname(__file__), "src", "index.html"))


def get_router():
    return router
