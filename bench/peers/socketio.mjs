// Peer "socketio": the WebSocket fan-out with Socket.IO rooms: every connection joins "hq", and
// a "chat" event carrying {text} (checked by hand) is emitted to the room as {chat: text}, the
// sender included. Clients connect with the websocket transport only (no long-polling).
//   PORT=3007 node bench/peers/socketio.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";
import { listenAddress } from "./hq.mjs";

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/heroes/") {
    res.writeHead(200, { "content-type": "application/json", "content-length": "2" }).end("[]");
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(server, { transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => {
  socket.join("hq");
  socket.on("chat", (message) => {
    if (typeof message?.text !== "string" || message.text.length > 500) return;
    io.to("hq").emit("chat", { chat: message.text });
  });
});

const { port, host } = listenAddress();
server.listen(port, host);
