/** HQ operations: the power grid's lifecycle hooks and a health check (tutorial step 9). */

// --8<-- [start:code]
import { controller, get, inject, injectable, postConstruct, preDestruct, Scope } from "lauren";

/** Captain Singleton's power grid: switched on at start-up, switched off at shutdown. */
@injectable({ scope: Scope.SINGLETON })
export class PowerGrid {
  online = false;

  // Runs once at app.startup(), after the grid's own dependencies ran theirs.
  // This is where a real app opens connection pools or warms caches.
  @postConstruct
  async powerUp(): Promise<void> {
    this.online = true;
  }

  // Runs once during graceful shutdown, after in-flight requests have drained.
  // This is where a real app flushes buffers and closes pools.
  @preDestruct
  async powerDown(): Promise<void> {
    this.online = false;
  }
}

@controller("/status")
export class StatusController {
  private readonly grid = inject(PowerGrid);

  // No session work here: the health check must answer even when the session store is down.
  @get("/", { summary: "Health check", sessions: false })
  health() {
    return { hq: this.grid.online ? "online" : "warming up", grid: this.grid.online };
  }
}
// --8<-- [end:code]
