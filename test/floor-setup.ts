// Set for the jest project "floor" (jest.config.js): the tests run with aws-cdk-lib at the peer dependency's floor.
process.env.CDK_RUST_TEST_AT_FLOOR = '1';
