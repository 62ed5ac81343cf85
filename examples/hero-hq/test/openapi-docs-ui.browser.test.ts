/**
 * The docs UI in a real browser: Hero HQ on a real socket, Chromium through playwright-core.
 * Swagger UI must render every operation, load nothing from outside 127.0.0.1 (no CDN, no
 * online validator), break no rule of its Content-Security-Policy, and "Try it out" must
 * reach the app. Skipped only when Chromium is not installed.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { chromium } from "playwright-core";
import { buildApp } from "../src/main.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

test("Swagger UI renders Hero HQ from our own origin and Try it out reaches the app", {
  // On a laptop without Chromium the test skips with a hint; in CI a missing browser fails.
  skip: existsSync(CHROMIUM) || process.env.CI ? false : "Chromium not installed: apt-get install chromium",
  timeout: 120_000,
}, async (t) => {
  const app = buildApp({ logger: false });
  const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
  // Playwright gives the browser a fresh temporary profile and deletes it on close.
  const launching = chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  // Registered before the launch settles, so a test that times out still closes the browser
  // (a live Chromium would keep this process running forever). Neither step may hang the run.
  t.after(async () => {
    const browser = await launching.catch(() => null);
    await Promise.race([browser?.close(), delay(10_000, undefined, { ref: false })]);
    await app.shutdown();
  });

  const recruited = await fetch(`${url}/heroes/`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hq-badge": "hq-badge-007" },
    body: JSON.stringify({ name: "Captain Singleton", power: "being the only one", wattage: 9000 }),
  });
  assert.equal(recruited.status, 201);

  const context = await (await launching).newContext();
  const requests: string[] = [];
  const problems: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  // Violations are also events in the page: collect them there, whatever the console shows.
  // (A string: this package type-checks without the DOM library.)
  await page.addInitScript({
    content: `globalThis.cspViolations = [];
        document.addEventListener("securitypolicyviolation", (e) => cspViolations.push(e.violatedDirective + " blocked " + e.blockedURI));`,
  });

  await page.goto(`${url}/docs`);
  await page.getByText("/heroes/{id}", { exact: true }).waitFor({ timeout: 30_000 });
  await page.locator("#operations-tag-heroes").waitFor();
  // HQ's own name and version head the page, not a generic title.
  const title = page.locator(".info .title");
  assert.match(await title.innerText(), /^Hero HQ\s*0\.1\.0/);
  for (const path of ["/heroes/", "/me/login", "/missions/dispatch"]) {
    assert.ok((await page.getByText(path, { exact: true }).count()) > 0, `${path} is listed`);
  }

  // Try it out: GET /heroes/ through the UI, answered by the app.
  const operation = page.locator("#operations-heroes-HeroController_listHeroes");
  await operation.locator(".opblock-summary").first().click();
  await operation.getByRole("button", { name: "Try it out" }).click();
  const answered = page.waitForResponse((res) => res.url() === `${url}/heroes/` && res.request().method() === "GET");
  await operation.getByRole("button", { name: "Execute" }).click();
  assert.equal((await answered).status(), 200);
  await operation.locator(".live-responses-table").getByText("Captain Singleton").first().waitFor();

  // The recruit operation shows the bouncer's codes; a model expands in the Schemas section.
  const recruit = page.locator("#operations-heroes-HeroController_recruit");
  await recruit.locator(".opblock-summary").first().click();
  await recruit.getByText("villain_detected", { exact: false }).first().waitFor();
  const model = page.locator("section.models article", { hasText: "CreateHero" }).first();
  await model.getByRole("button", { name: "CreateHero" }).click();
  await model.getByText("wattage").first().waitFor();

  const shot = join(tmpdir(), "docs.png");
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);

  const origin = new URL(url).origin;
  // data: URLs (Swagger UI's CSS icons) are not network requests.
  const outside = requests.filter((r) => !r.startsWith("data:") && new URL(r).origin !== origin);
  assert.deepEqual(outside, [], "every request went to the app");
  assert.ok(requests.includes(`${origin}/openapi.json`), "the document was fetched from the app");
  assert.deepEqual(problems, [], "no console errors");
  assert.deepEqual(await page.evaluate("globalThis.cspViolations"), [], "no CSP violations");
});
