Creator "hand"
graph [ directed 1 node [ id 10 label "a-b" ] node [ id 20 label "a b" ] edge [ source 10 target 20 ] edge [ source 20 target 10 ] ]
