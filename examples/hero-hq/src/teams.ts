/**
 * Teams: the module graph (tutorial steps 4–9). A module declares what it provides, what
 * it exports to other modules and what it imports from them; HeroHQModule assembles all.
 */

// --8<-- [start:code]
import { module } from "lauren";
import { IdentityController } from "./auth.js";
import { HeroController } from "./dispatch.js";
import { CommsGateway, CommsRoom, MissionControlController, MissionLog } from "./mission-control.js";
import { PowerGrid, StatusController } from "./operations.js";
import { PortraitController, PortraitGallery } from "./portraits.js";
import { HeroRepository } from "./roster.js";

/** Owns HQ's roster and shares it. */
@module({ providers: [HeroRepository], exports: [HeroRepository] })
export class RosterModule {}

/** The dispatch desk: recruits and lists heroes. */
@module({ controllers: [HeroController], imports: [RosterModule] })
export class DispatchModule {}

/** The badge office: hero login and logout with sessions. */
@module({ controllers: [IdentityController], imports: [RosterModule] })
export class IdentityModule {}

/** The portrait studio: hero portraits and the roster export. */
@module({ controllers: [PortraitController], providers: [PortraitGallery], imports: [RosterModule] })
export class PortraitModule {}

/** The power grid: lifecycle hooks and a health check. */
@module({ controllers: [StatusController], providers: [PowerGrid] })
export class OperationsModule {}

/** The live-ops room: the status feed, dispatch tasks and team comms. */
@module({ controllers: [MissionControlController, CommsGateway], providers: [MissionLog, CommsRoom] })
export class MissionControlModule {}

/** All of Hero HQ, assembled. */
@module({ imports: [DispatchModule, IdentityModule, MissionControlModule, OperationsModule, PortraitModule] })
export class HeroHQModule {}
// --8<-- [end:code]
