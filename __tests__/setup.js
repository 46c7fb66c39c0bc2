const { Testing } = require("cdktf");
Testing.setupJest();

// Tests run on Node 20; the AWS SDK's notice that its 2027 releases need Node 22 would repeat in every file.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
