"""A workspace tool: proves workflows import the workspace's own ``private/`` packages when frozen."""

from tools.base import BaseTool

ANSWER = "pong"


class SmokeHelperTool(BaseTool):
    def authenticate(self) -> bool:
        return True

    def get_available_actions(self) -> list[str]:
        return ["ping"]

    def execute(self, action: str, params: dict) -> dict:
        return {"status": "success", "data": ANSWER}
