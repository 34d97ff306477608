#!/usr/bin/env python3
"""A stand-in for OpenAI chat completions (`POST /v1/chat/completions`, streamed when asked),
for aider run with `--openai-api-base` (or OPENAI_API_BASE) pointing here and
`--edit-format whole`.

The scripted model of stand_in.py, in aider's whole-file format: the path on a line of its own,
then the file's new content in a fence. aider applies it and exits; there is no tool round trip.
Usage: openai_chat.py [--port-file PATH] [--log PATH] [--lifetime SECONDS]
"""

import itertools
import json
import sys
import time

from stand_in import Handler, Task, serve

ids = itertools.count(1)


def message_text(message):
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "\n".join(part.get("text", "") for part in content or [] if isinstance(part, dict))


def reply_for(body):
    messages = body.get("messages") or []
    # The latest user message holds the request; earlier ones are aider's worked examples.
    users = [message_text(m) for m in messages if m.get("role") == "user"]
    task = Task.find(users[-1]) if users else None
    if not task:
        return "I found no task of the form 'write PATH: TEXT' in the request."
    return f"Here is the file.\n\n{task.path}\n```\n{task.text}\n```\n"


class ChatHandler(Handler):
    def answer(self, path, body):
        if path.endswith("/models"):
            return self.send_json({"object": "list", "data": [{"id": "stand-in", "object": "model", "owned_by": "stand-in"}]})
        if not path.endswith("/chat/completions"):
            return self.send_json({"error": {"message": f"no route {path}", "type": "invalid_request_error"}}, 404)
        text = reply_for(body)
        prompt_tokens = max(1, len(json.dumps(body)) // 4)
        completion_tokens = max(1, len(text) // 4)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens}
        base = {"id": f"chatcmpl-{next(ids):06d}", "created": int(time.time()), "model": body.get("model", "stand-in")}
        if not body.get("stream"):
            return self.send_json(dict(base, object="chat.completion", usage=usage, choices=[
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]))
        self.start_events()
        chunk = dict(base, object="chat.completion.chunk")
        self.send_event(None, dict(chunk, choices=[{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": None}]))
        self.send_event(None, dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
        self.send_event(None, dict(chunk, choices=[], usage=usage))
        self.send_event(None, "[DONE]")


if __name__ == "__main__":
    serve(ChatHandler, sys.argv)
