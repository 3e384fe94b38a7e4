from review_service.cli import main

main()
