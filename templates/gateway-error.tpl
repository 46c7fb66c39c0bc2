{ "message": $context.error.messageString, "requestId": "$context.requestId" }
