// Peer "raw-realtime": the fan-out limits, hand-written. A `ws` server on /comms that puts every
// connection in one room and, for {"event":"chat","text":"..."} (checked by hand, as Hero HQ's
// schema does), serialises {"chat": text} once and sends it to every member, the sender
// included; and a node:http server-sent-event feed on GET /feed that POST /publish?text=...
// writes to every subscriber as one `data:` frame.
//   PORT=3006 node bench/peers/realtime-raw.mjs
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { listenAddress } from "./hq.mjs";

/** @type {Set<import("ws").WebSocket>} */
const room = new Set();
/** @type {Set<import("node:http").ServerResponse>} */
const feed = new Set();
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" };

const server = createServer((req, res) => {
  const [path, query = ""] = (req.url ?? "/").split("?", 2);
  if (req.method === "GET" && path === "/feed") {
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    feed.add(res);
    res.once("close", () => feed.delete(res));
    return;
  }
  if (req.method === "POST" && path === "/publish") {
    const text = new URLSearchParams(query).get("text");
    if (text === null || text.length > 500) {
      res.writeHead(422).end();
      return;
    }
    const frame = `data: ${text}\n\n`;
    for (const subscriber of feed) subscriber.write(frame);
    res.writeHead(202, { "content-type": "application/json", "content-length": "18" }).end('{"published":true}');
    return;
  }
  if (req.method === "GET" && path === "/heroes/") {
    res.writeHead(200, { "content-type": "application/json", "content-length": "2" }).end("[]");
    return;
  }
  res.writeHead(404).end();
});

const wss = new WebSocketServer({ server, path: "/comms" });
wss.on("connection", (ws) => {
  room.add(ws);
  ws.on("close", () => room.delete(ws));
  ws.on("message", (data) => {
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message?.event !== "chat" || typeof message.text !== "string" || message.text.length > 500) return;
    const out = JSON.stringify({ chat: message.text });
    for (const member of room) if (member.readyState === 1) member.send(out);
  });
});

const { port, host } = listenAddress();
server.listen(port, host);
