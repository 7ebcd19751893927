/** DynamoDB's data model and expression language, free of HTTP and storage. */
export * from "./attribute-values.js";
export * from "./numbers.js";
export * from "./errors.js";
export * from "./expressions/index.js";
