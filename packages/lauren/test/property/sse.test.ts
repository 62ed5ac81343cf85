import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatEvent } from "../../src/realtime/sse/event.js";
import { runs } from "./support.js";

/** Strings rich in what could break a frame: CR, LF, CRLF, colons, blank lines. */
const nasty = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.array(fc.constantFrom("\r", "\n", "\r\n", ":", " ", "data: x", "event: y", "id: 1", "", "é"), { maxLength: 8 }).map((p) => p.join("")),
);

/** What an EventSource would see (HTML §9.2.6), for one frame. */
function parseFrame(frame: string): { events: { type: string; data: string; id: string | null }[]; fields: string[] } {
  const events: { type: string; data: string; id: string | null }[] = [];
  const fields: string[] = [];
  let data = "";
  let type = "";
  let id: string | null = null;
  let sawData = false;
  for (const line of frame.split(/\r\n|\r|\n/).slice(0, -1)) {
    if (line === "") {
      if (sawData) events.push({ type: type === "" ? "message" : type, data: data.endsWith("\n") ? data.slice(0, -1) : data, id });
      data = "";
      type = "";
      sawData = false;
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    fields.push(field);
    if (field === "data") {
      data += `${value}\n`;
      sawData = true;
    } else if (field === "event") type = value;
    else if (field === "id") id = value;
  }
  return { events, fields };
}

describe("property: SSE framing", () => {
  it("no field can inject a line: one frame is exactly one event with the fields given", () => {
    fc.assert(
      fc.property(
        fc.record({
          data: nasty,
          event: fc.option(nasty, { nil: undefined }),
          id: fc.option(nasty, { nil: undefined }),
          comment: fc.option(nasty, { nil: undefined }),
        }),
        (init) => {
          const frame = formatEvent(init);
          assert.ok(frame.endsWith("\n\n"));
          const lines = frame.slice(0, -2).split(/\r\n|\r|\n/);
          for (const line of lines) assert.match(line, /^(: |event: |id: |data: )/);
          const { events, fields } = parseFrame(frame);
          assert.equal(events.length, 1);
          const [event] = events as [{ type: string; data: string; id: string | null }];
          assert.equal(event.data, init.data.replace(/\r\n|\r/g, "\n"));
          const type = init.event?.replace(/\r\n|\r|\n/g, " ");
          assert.equal(event.type, type === undefined || type === "" ? "message" : type);
          if (init.id !== undefined) assert.equal(event.id, init.id.replace(/\r\n|\r|\n/g, ""));
          assert.deepEqual(
            fields.filter((f) => f !== "data"),
            [...(init.event === undefined ? [] : ["event"]), ...(init.id === undefined ? [] : ["id"])],
          );
        },
      ),
      runs(500),
    );
  });

  it("non-string data arrives as its JSON text (a string is sent as is)", () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((v) => typeof v !== "string"),
        (value) => {
          const { events } = parseFrame(formatEvent({ data: value }));
          assert.equal(events.length, 1);
          assert.deepStrictEqual(JSON.parse((events[0] as { data: string }).data), JSON.parse(JSON.stringify(value)));
        },
      ),
      runs(300),
    );
  });
});
