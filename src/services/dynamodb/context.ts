import type { HandlerContext } from "../../core/service.js";
import type { DynamoStore } from "./store.js";

export type DynamoContext = HandlerContext<DynamoStore>;
