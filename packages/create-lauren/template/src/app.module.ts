import { module } from "lauren";
import { GreetingsController } from "./greetings/greetings.controller.js";
import { GreetingService } from "./greetings/greetings.service.js";

@module({ controllers: [GreetingsController], providers: [GreetingService] })
export class AppModule {}
