# a comment line
graph [
  label "Tiny"
  directed 0
  node [ id 0 label "Paderborn" Latitude 51.7191 Longitude 8.7575 ]
  node [ id 1 label "Berlin" Latitude 52.52 Longitude 13.405 ]
  node [ id 2 label "no coordinates" ]
  node [ id 3 ]
  edge [ source 0 target 1 LinkSpeed "10" LinkSpeedUnits "G" LinkSpeedRaw 10000000000.0 ]
  edge [ source 1 target 2 LinkLabel "x" ]
  edge [ source 2 target 3 ]
  edge [ source 3 target 3 ]
]
