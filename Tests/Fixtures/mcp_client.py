"""An MCP client session against `git-orch mcp`, with the official Python SDK (PyPI `mcp`).

Usage: python3 mcp_client.py GIT_ORCH_BINARY REPOSITORY
Prints one line per step; the Swift test checks them.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(binary, repo):
    params = StdioServerParameters(command=binary, args=["mcp"], cwd=repo)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            print("server", init.server_info.name)
            tools = await session.list_tools()
            print("tools", " ".join(sorted(t.name for t in tools.tools)))
            ready = json.loads((await session.call_tool("list_ready_tasks", {})).content[0].text)
            print("ready", json.dumps([t["title"] for t in ready]))
            skills = json.loads((await session.call_tool("discover_skills", {"task": ready[0]["title"]})).content[0].text)
            print("skills", " ".join(s["id"] for s in skills))
            claimed = json.loads((await session.call_tool("claim_task", {"worker": "indigo"})).content[0].text)
            print("claimed", claimed["id"], claimed["assignee"])
            again = await session.call_tool("claim_task", {"worker": "rose"})
            print("second", again.is_error, again.content[0].text)
            added = await session.call_tool("add_task", {"title": "Write the regression test", "after": [claimed["id"]]})
            print("added", added.content[0].text)
            done = await session.call_tool("complete_task", {"id": claimed["id"]})
            print("done", done.content[0].text)
            unknown = await session.call_tool("claim_task", {})
            print("missing", unknown.is_error, unknown.content[0].text)
            sent = await session.call_tool("send_message", {"to": "indigo", "from": "rose", "text": "the login test needs a fixture"})
            print("sent", sent.is_error, sent.content[0].text)
            stored = await session.call_tool("write_handoff", {"worker": "indigo", "document": "# Handoff\n\nLogin fixed; the fixture remains."})
            print("handoff", stored.is_error, stored.content[0].text)
            nobody = await session.call_tool("send_message", {"to": "nobody", "from": "rose", "text": "hello?"})
            print("nobody", nobody.is_error, nobody.content[0].text)


asyncio.run(main(sys.argv[1], sys.argv[2]))
