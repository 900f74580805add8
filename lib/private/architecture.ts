/** The CPU architectures cdk-rust builds and runs for, by the names `lambda.Architecture` gives them. */
export type ArchitectureName = 'x86_64' | 'arm64';
