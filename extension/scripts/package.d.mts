// Types of package.mjs for the tests that import it (test/editors/code-server/extension-manifest.test.ts).
export declare const CONFIG_SCHEMA: string;
export declare const PACKAGE_JSON_SCHEMA: string;
export declare function packageJsonSchema(configSchema: object): object;
export declare function vsixPath(): Promise<string>;
export declare function assemble(): Promise<void>;
export declare function packageVsix(): Promise<string>;
export declare function packageExtension(): Promise<string>;
