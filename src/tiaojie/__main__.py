from tiaojie.cli import main

main()
