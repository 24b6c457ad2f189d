export * from "./customer-meter-projector.js";
export * from "./materializer.js";
